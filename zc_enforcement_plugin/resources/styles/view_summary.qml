<!DOCTYPE qgis PUBLIC 'http://mrcc.com/qgis.dtd' 'SYSTEM'>
<qgis minScale="1e+08" readOnly="0" maxScale="0" version="3.22.16-Białowieża" hasScaleBasedVisibilityFlag="0" styleCategories="AllStyleCategories">
  <flags>
    <Identifiable>1</Identifiable>
    <Removable>1</Removable>
    <Searchable>1</Searchable>
    <Private>0</Private>
  </flags>
  <temporal limitMode="0" startField="" durationField="" fixedDuration="0" mode="0" enabled="0" accumulate="0" durationUnit="min" startExpression="" endField="" endExpression="">
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
  <legend showLabelLegend="0" type="default-vector"/>
  <referencedLayers/>
  <fieldConfiguration>
    <field configurationFlags="None" name="MC">
      <editWidget type="">
        <config>
          <Option/>
        </config>
      </editWidget>
    </field>
    <field configurationFlags="None" name="LX">
      <editWidget type="">
        <config>
          <Option/>
        </config>
      </editWidget>
    </field>
    <field configurationFlags="None" name="LB">
      <editWidget type="">
        <config>
          <Option/>
        </config>
      </editWidget>
    </field>
    <field configurationFlags="None" name="JL">
      <editWidget type="">
        <config>
          <Option/>
        </config>
      </editWidget>
    </field>
    <field configurationFlags="None" name="TBSL">
      <editWidget type="">
        <config>
          <Option/>
        </config>
      </editWidget>
    </field>
    <field configurationFlags="None" name="TBBH">
      <editWidget type="">
        <config>
          <Option/>
        </config>
      </editWidget>
    </field>
    <field configurationFlags="None" name="TBMJ">
      <editWidget type="">
        <config>
          <Option/>
        </config>
      </editWidget>
    </field>
    <field configurationFlags="None" name="TBMJ_MU">
      <editWidget type="">
        <config>
          <Option/>
        </config>
      </editWidget>
    </field>
    <field configurationFlags="None" name="KSSL">
      <editWidget type="">
        <config>
          <Option/>
        </config>
      </editWidget>
    </field>
    <field configurationFlags="None" name="KSBH">
      <editWidget type="">
        <config>
          <Option/>
        </config>
      </editWidget>
    </field>
    <field configurationFlags="None" name="KSMJ">
      <editWidget type="">
        <config>
          <Option/>
        </config>
      </editWidget>
    </field>
    <field configurationFlags="None" name="KSMJ_MU">
      <editWidget type="">
        <config>
          <Option/>
        </config>
      </editWidget>
    </field>
  </fieldConfiguration>
  <aliases>
    <alias index="0" field="MC" name="名称"/>
    <alias index="1" field="LX" name="类型"/>
    <alias index="2" field="LB" name="线/区"/>
    <alias index="3" field="JL" name="可视距离（米）"/>
    <alias index="4" field="TBSL" name="图斑数"/>
    <alias index="5" field="TBBH" name="图斑编号"/>
    <alias index="6" field="TBMJ" name="图斑在可视范围内面积（平方米）"/>
    <alias index="7" field="TBMJ_MU" name="图斑在可视范围内面积（亩）"/>
    <alias index="8" field="KSSL" name="矿山数"/>
    <alias index="9" field="KSBH" name="矿山编号"/>
    <alias index="10" field="KSMJ" name="矿山在可视范围内面积（平方米）"/>
    <alias index="11" field="KSMJ_MU" name="矿山在可视范围内面积（亩）"/>
  </aliases>
  <defaults>
    <default field="MC" applyOnUpdate="0" expression=""/>
    <default field="LX" applyOnUpdate="0" expression=""/>
    <default field="LB" applyOnUpdate="0" expression=""/>
    <default field="JL" applyOnUpdate="0" expression=""/>
    <default field="TBSL" applyOnUpdate="0" expression=""/>
    <default field="TBBH" applyOnUpdate="0" expression=""/>
    <default field="TBMJ" applyOnUpdate="0" expression=""/>
    <default field="TBMJ_MU" applyOnUpdate="0" expression=""/>
    <default field="KSSL" applyOnUpdate="0" expression=""/>
    <default field="KSBH" applyOnUpdate="0" expression=""/>
    <default field="KSMJ" applyOnUpdate="0" expression=""/>
    <default field="KSMJ_MU" applyOnUpdate="0" expression=""/>
  </defaults>
  <constraints>
    <constraint exp_strength="0" notnull_strength="0" field="MC" constraints="0" unique_strength="0"/>
    <constraint exp_strength="0" notnull_strength="0" field="LX" constraints="0" unique_strength="0"/>
    <constraint exp_strength="0" notnull_strength="0" field="LB" constraints="0" unique_strength="0"/>
    <constraint exp_strength="0" notnull_strength="0" field="JL" constraints="0" unique_strength="0"/>
    <constraint exp_strength="0" notnull_strength="0" field="TBSL" constraints="0" unique_strength="0"/>
    <constraint exp_strength="0" notnull_strength="0" field="TBBH" constraints="0" unique_strength="0"/>
    <constraint exp_strength="0" notnull_strength="0" field="TBMJ" constraints="0" unique_strength="0"/>
    <constraint exp_strength="0" notnull_strength="0" field="TBMJ_MU" constraints="0" unique_strength="0"/>
    <constraint exp_strength="0" notnull_strength="0" field="KSSL" constraints="0" unique_strength="0"/>
    <constraint exp_strength="0" notnull_strength="0" field="KSBH" constraints="0" unique_strength="0"/>
    <constraint exp_strength="0" notnull_strength="0" field="KSMJ" constraints="0" unique_strength="0"/>
    <constraint exp_strength="0" notnull_strength="0" field="KSMJ_MU" constraints="0" unique_strength="0"/>
  </constraints>
  <constraintExpressions>
    <constraint field="MC" exp="" desc=""/>
    <constraint field="LX" exp="" desc=""/>
    <constraint field="LB" exp="" desc=""/>
    <constraint field="JL" exp="" desc=""/>
    <constraint field="TBSL" exp="" desc=""/>
    <constraint field="TBBH" exp="" desc=""/>
    <constraint field="TBMJ" exp="" desc=""/>
    <constraint field="TBMJ_MU" exp="" desc=""/>
    <constraint field="KSSL" exp="" desc=""/>
    <constraint field="KSBH" exp="" desc=""/>
    <constraint field="KSMJ" exp="" desc=""/>
    <constraint field="KSMJ_MU" exp="" desc=""/>
  </constraintExpressions>
  <expressionfields/>
  <attributeactions/>
  <attributetableconfig sortExpression="" actionWidgetStyle="dropDown" sortOrder="0">
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
