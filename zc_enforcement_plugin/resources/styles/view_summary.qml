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
    <field name="LB" configurationFlags="None">
      <editWidget type="">
        <config>
          <Option/>
        </config>
      </editWidget>
    </field>
    <field name="JL" configurationFlags="None">
      <editWidget type="">
        <config>
          <Option/>
        </config>
      </editWidget>
    </field>
    <field name="TBSL" configurationFlags="None">
      <editWidget type="">
        <config>
          <Option/>
        </config>
      </editWidget>
    </field>
    <field name="TBBH" configurationFlags="None">
      <editWidget type="">
        <config>
          <Option/>
        </config>
      </editWidget>
    </field>
    <field name="TBMJ" configurationFlags="None">
      <editWidget type="">
        <config>
          <Option/>
        </config>
      </editWidget>
    </field>
    <field name="TBMJ_MU" configurationFlags="None">
      <editWidget type="">
        <config>
          <Option/>
        </config>
      </editWidget>
    </field>
    <field name="KSSL" configurationFlags="None">
      <editWidget type="">
        <config>
          <Option/>
        </config>
      </editWidget>
    </field>
    <field name="KSBH" configurationFlags="None">
      <editWidget type="">
        <config>
          <Option/>
        </config>
      </editWidget>
    </field>
    <field name="KSMJ" configurationFlags="None">
      <editWidget type="">
        <config>
          <Option/>
        </config>
      </editWidget>
    </field>
    <field name="KSMJ_MU" configurationFlags="None">
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
    <alias name="线/区" field="LB" index="2"/>
    <alias name="可视距离（米）" field="JL" index="3"/>
    <alias name="图斑数" field="TBSL" index="4"/>
    <alias name="图斑编号" field="TBBH" index="5"/>
    <alias name="图斑在可视范围内面积（平方米）" field="TBMJ" index="6"/>
    <alias name="图斑在可视范围内面积（亩）" field="TBMJ_MU" index="7"/>
    <alias name="矿山数" field="KSSL" index="8"/>
    <alias name="矿山编号" field="KSBH" index="9"/>
    <alias name="矿山在可视范围内面积（平方米）" field="KSMJ" index="10"/>
    <alias name="矿山在可视范围内面积（亩）" field="KSMJ_MU" index="11"/>
  </aliases>
  <defaults>
    <default expression="" field="MC" applyOnUpdate="0"/>
    <default expression="" field="LX" applyOnUpdate="0"/>
    <default expression="" field="LB" applyOnUpdate="0"/>
    <default expression="" field="JL" applyOnUpdate="0"/>
    <default expression="" field="TBSL" applyOnUpdate="0"/>
    <default expression="" field="TBBH" applyOnUpdate="0"/>
    <default expression="" field="TBMJ" applyOnUpdate="0"/>
    <default expression="" field="TBMJ_MU" applyOnUpdate="0"/>
    <default expression="" field="KSSL" applyOnUpdate="0"/>
    <default expression="" field="KSBH" applyOnUpdate="0"/>
    <default expression="" field="KSMJ" applyOnUpdate="0"/>
    <default expression="" field="KSMJ_MU" applyOnUpdate="0"/>
  </defaults>
  <constraints>
    <constraint unique_strength="0" exp_strength="0" field="MC" notnull_strength="0" constraints="0"/>
    <constraint unique_strength="0" exp_strength="0" field="LX" notnull_strength="0" constraints="0"/>
    <constraint unique_strength="0" exp_strength="0" field="LB" notnull_strength="0" constraints="0"/>
    <constraint unique_strength="0" exp_strength="0" field="JL" notnull_strength="0" constraints="0"/>
    <constraint unique_strength="0" exp_strength="0" field="TBSL" notnull_strength="0" constraints="0"/>
    <constraint unique_strength="0" exp_strength="0" field="TBBH" notnull_strength="0" constraints="0"/>
    <constraint unique_strength="0" exp_strength="0" field="TBMJ" notnull_strength="0" constraints="0"/>
    <constraint unique_strength="0" exp_strength="0" field="TBMJ_MU" notnull_strength="0" constraints="0"/>
    <constraint unique_strength="0" exp_strength="0" field="KSSL" notnull_strength="0" constraints="0"/>
    <constraint unique_strength="0" exp_strength="0" field="KSBH" notnull_strength="0" constraints="0"/>
    <constraint unique_strength="0" exp_strength="0" field="KSMJ" notnull_strength="0" constraints="0"/>
    <constraint unique_strength="0" exp_strength="0" field="KSMJ_MU" notnull_strength="0" constraints="0"/>
  </constraints>
  <constraintExpressions>
    <constraint desc="" field="MC" exp=""/>
    <constraint desc="" field="LX" exp=""/>
    <constraint desc="" field="LB" exp=""/>
    <constraint desc="" field="JL" exp=""/>
    <constraint desc="" field="TBSL" exp=""/>
    <constraint desc="" field="TBBH" exp=""/>
    <constraint desc="" field="TBMJ" exp=""/>
    <constraint desc="" field="TBMJ_MU" exp=""/>
    <constraint desc="" field="KSSL" exp=""/>
    <constraint desc="" field="KSBH" exp=""/>
    <constraint desc="" field="KSMJ" exp=""/>
    <constraint desc="" field="KSMJ_MU" exp=""/>
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
