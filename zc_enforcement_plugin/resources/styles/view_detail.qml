<!DOCTYPE qgis PUBLIC 'http://mrcc.com/qgis.dtd' 'SYSTEM'>
<qgis minScale="1e+08" version="3.22.16-Białowieża" styleCategories="AllStyleCategories" hasScaleBasedVisibilityFlag="0" maxScale="0" readOnly="0">
  <flags>
    <Identifiable>1</Identifiable>
    <Removable>1</Removable>
    <Searchable>1</Searchable>
    <Private>0</Private>
  </flags>
  <temporal limitMode="0" startField="" durationField="" enabled="0" endExpression="" startExpression="" durationUnit="min" fixedDuration="0" accumulate="0" mode="0" endField="">
    <fixedRange>
      <start></start>
      <end></end>
    </fixedRange>
  </temporal>
  <customproperties>
    <Option/>
  </customproperties>
  <geometryOptions geometryPrecision="0" removeDuplicateNodes="0">
    <activeChecks type="StringList">
      <Option type="QString" value=""/>
    </activeChecks>
    <checkConfiguration/>
  </geometryOptions>
  <legend type="default-vector" showLabelLegend="0"/>
  <referencedLayers/>
  <fieldConfiguration>
    <field name="MC" configurationFlags="None">
      <editWidget type="">
        <config>
          <Option/>
        </config>
      </editWidget>
    </field>
    <field name="LX" configurationFlags="None">
      <editWidget type="">
        <config>
          <Option/>
        </config>
      </editWidget>
    </field>
    <field name="DXLB" configurationFlags="None">
      <editWidget type="">
        <config>
          <Option/>
        </config>
      </editWidget>
    </field>
    <field name="BH" configurationFlags="None">
      <editWidget type="">
        <config>
          <Option/>
        </config>
      </editWidget>
    </field>
    <field name="MJ" configurationFlags="None">
      <editWidget type="">
        <config>
          <Option/>
        </config>
      </editWidget>
    </field>
    <field name="MJ_MU" configurationFlags="None">
      <editWidget type="">
        <config>
          <Option/>
        </config>
      </editWidget>
    </field>
  </fieldConfiguration>
  <aliases>
    <alias name="名称" field="MC" index="0"/>
    <alias name="类型" field="LX" index="1"/>
    <alias name="图斑/矿山" field="DXLB" index="2"/>
    <alias name="编号" field="BH" index="3"/>
    <alias name="在可视范围内面积（平方米）" field="MJ" index="4"/>
    <alias name="在可视范围内面积（亩）" field="MJ_MU" index="5"/>
  </aliases>
  <defaults>
    <default expression="" field="MC" applyOnUpdate="0"/>
    <default expression="" field="LX" applyOnUpdate="0"/>
    <default expression="" field="DXLB" applyOnUpdate="0"/>
    <default expression="" field="BH" applyOnUpdate="0"/>
    <default expression="" field="MJ" applyOnUpdate="0"/>
    <default expression="" field="MJ_MU" applyOnUpdate="0"/>
  </defaults>
  <constraints>
    <constraint unique_strength="0" exp_strength="0" field="MC" notnull_strength="0" constraints="0"/>
    <constraint unique_strength="0" exp_strength="0" field="LX" notnull_strength="0" constraints="0"/>
    <constraint unique_strength="0" exp_strength="0" field="DXLB" notnull_strength="0" constraints="0"/>
    <constraint unique_strength="0" exp_strength="0" field="BH" notnull_strength="0" constraints="0"/>
    <constraint unique_strength="0" exp_strength="0" field="MJ" notnull_strength="0" constraints="0"/>
    <constraint unique_strength="0" exp_strength="0" field="MJ_MU" notnull_strength="0" constraints="0"/>
  </constraints>
  <constraintExpressions>
    <constraint desc="" field="MC" exp=""/>
    <constraint desc="" field="LX" exp=""/>
    <constraint desc="" field="DXLB" exp=""/>
    <constraint desc="" field="BH" exp=""/>
    <constraint desc="" field="MJ" exp=""/>
    <constraint desc="" field="MJ_MU" exp=""/>
  </constraintExpressions>
  <expressionfields/>
  <attributeactions/>
  <attributetableconfig sortOrder="0" sortExpression="" actionWidgetStyle="dropDown">
    <columns/>
  </attributetableconfig>
  <conditionalstyles>
    <rowstyles/>
    <fieldstyles/>
  </conditionalstyles>
  <storedexpressions/>
  <editform tolerant="1"></editform>
  <editforminit/>
  <editforminitcodesource>0</editforminitcodesource>
  <editforminitfilepath></editforminitfilepath>
  <editforminitcode><![CDATA[]]></editforminitcode>
  <featformsuppress>0</featformsuppress>
  <editorlayout>generatedlayout</editorlayout>
  <editable/>
  <labelOnTop/>
  <reuseLastValue/>
  <dataDefinedFieldProperties/>
  <widgets/>
  <previewExpression></previewExpression>
  <mapTip></mapTip>
  <layerGeometryType>4</layerGeometryType>
</qgis>
