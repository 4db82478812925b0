<!DOCTYPE qgis PUBLIC 'http://mrcc.com/qgis.dtd' 'SYSTEM'>
<qgis version="3.22.16-Białowieża" hasScaleBasedVisibilityFlag="0" maxScale="0" minScale="1e+08" readOnly="0" styleCategories="AllStyleCategories">
  <flags>
    <Identifiable>1</Identifiable>
    <Removable>1</Removable>
    <Searchable>1</Searchable>
    <Private>0</Private>
  </flags>
  <temporal endExpression="" startExpression="" durationField="" mode="0" accumulate="0" limitMode="0" startField="" endField="" durationUnit="min" enabled="0" fixedDuration="0">
    <fixedRange>
      <start></start>
      <end></end>
    </fixedRange>
  </temporal>
  <customproperties>
    <Option/>
  </customproperties>
  <geometryOptions removeDuplicateNodes="0" geometryPrecision="0">
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
    <alias index="0" name="名称" field="MC"/>
    <alias index="1" name="类型" field="LX"/>
    <alias index="2" name="图斑/矿山" field="DXLB"/>
    <alias index="3" name="编号" field="BH"/>
    <alias index="4" name="在可视范围内面积（平方米）" field="MJ"/>
    <alias index="5" name="在可视范围内面积（亩）" field="MJ_MU"/>
  </aliases>
  <defaults>
    <default field="MC" expression="" applyOnUpdate="0"/>
    <default field="LX" expression="" applyOnUpdate="0"/>
    <default field="DXLB" expression="" applyOnUpdate="0"/>
    <default field="BH" expression="" applyOnUpdate="0"/>
    <default field="MJ" expression="" applyOnUpdate="0"/>
    <default field="MJ_MU" expression="" applyOnUpdate="0"/>
  </defaults>
  <constraints>
    <constraint exp_strength="0" field="MC" constraints="0" unique_strength="0" notnull_strength="0"/>
    <constraint exp_strength="0" field="LX" constraints="0" unique_strength="0" notnull_strength="0"/>
    <constraint exp_strength="0" field="DXLB" constraints="0" unique_strength="0" notnull_strength="0"/>
    <constraint exp_strength="0" field="BH" constraints="0" unique_strength="0" notnull_strength="0"/>
    <constraint exp_strength="0" field="MJ" constraints="0" unique_strength="0" notnull_strength="0"/>
    <constraint exp_strength="0" field="MJ_MU" constraints="0" unique_strength="0" notnull_strength="0"/>
  </constraints>
  <constraintExpressions>
    <constraint field="MC" exp="" desc=""/>
    <constraint field="LX" exp="" desc=""/>
    <constraint field="DXLB" exp="" desc=""/>
    <constraint field="BH" exp="" desc=""/>
    <constraint field="MJ" exp="" desc=""/>
    <constraint field="MJ_MU" exp="" desc=""/>
  </constraintExpressions>
  <expressionfields/>
  <attributeactions/>
  <attributetableconfig actionWidgetStyle="dropDown" sortOrder="0" sortExpression="">
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
